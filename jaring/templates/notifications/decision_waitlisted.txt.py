BBBB BBBB gettext(u'Pendaftaran Anda masuk daftar tunggu') 
 gettext(u'Yth. %(name)s, pendaftaran %(number)s pada %(programme)s telah lolos verifikasi oleh %(agency)s, tetapi kuota program sudah penuh.') SSSS SSSSSSSSS SSSSSSSSSSS SSSSSSSSSS SSSS SSSSSSSSSSSSS SSSSS SSSSS SSSSSSSSSS SSSS SSSSSSSSSSS SSSSSS SSSSS SSSSSSS SSSSS SSSSSS
 gettext(u'Anda masuk daftar tunggu dan akan diberi kabar bila ada tempat kosong.') 
