BBBB BBBB gettext(u'Anda mendapat tempat dari daftar tunggu') 
 gettext(u'Yth. %(name)s, ada tempat kosong pada %(programme)s: pendaftaran %(number)s kini disetujui.') SSSS SSSSSSSSS SSS SSSSSS SSSSSS SSSS SSSSSSSSSSSSSS SSSSSSSSSSS SSSSSSSSSS SSSS SSSSSSSSSS
 gettext(u'Kami akan memberi kabar lagi setelah Anda didaftarkan ke BPJS Ketenagakerjaan.') 
