BBBB BBBB gettext(u'Pendaftaran Anda perlu diperbaiki') 
 gettext(u'Yth. %(name)s, pendaftaran %(number)s pada %(programme)s dikembalikan oleh %(agency)s untuk diperbaiki:') SSSS SSSSSSSSS SSSSSSSSSSS SSSSSSSSSS SSSS SSSSSSSSSSSSS SSSSSSSSSSSS SSSS SSSSSSSSSS SSSSS SSSSSSSSSSS
BBB BBBBBB BB BBBBBBBX 
BBBBBB gettext(u'Buka halaman cek status, masukkan nomor pendaftaran dan NIK Anda, lalu kirim perbaikannya.') 
