BBBB BBBB gettext(u'Pendaftaran Anda ditolak') 
 gettext(u'Yth. %(name)s, pendaftaran %(number)s pada %(programme)s tidak dapat disetujui oleh %(agency)s. Alasannya:') SSSS SSSSSSSSS SSSSSSSSSSS SSSSSSSSSS SSSS SSSSSSSSSSSSS SSSSS SSSSS SSSSSSSSS SSSS SSSSSSSSSSS SSSSSSSSSS
BBB BBBBBB BB BBBBBBBX 
BBBBBB gettext(u'Jika Anda keberatan, silakan hubungi %(office)s.') SSSS SSSS SSSSSSSSSS SSSSSSS SSSSSSS SSSSSSSSSSS
