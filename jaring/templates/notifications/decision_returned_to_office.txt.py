BBBB BBBB gettext(u'Pendaftaran Anda perlu diperbaiki') 
 gettext(u'Yth. %(name)s, pendaftaran %(number)s pada %(programme)s dikembalikan oleh %(agency)s untuk diperbaiki:') SSSS SSSSSSSSS SSSSSSSSSSS SSSSSSSSSS SSSS SSSSSSSSSSSSS SSSSSSSSSSSS SSSS SSSSSSSSSS SSSSS SSSSSSSSSSS
BBB BBBBBB BB BBBBBBBX 
BBBBBB gettext(u'Dokumen yang diminta dapat Anda unggah sendiri di halaman cek status dengan nomor pendaftaran dan NIK. Untuk memperbaiki data lain, hubungi %(office)s atau kantor kelurahan tempat Anda mendaftar.') SSSSSSS SSSS SSSSSSS SSSSS SSSS SSSSSS SSSSSSS SS SSSSSSS SSS SSSSSS SSSSSS SSSSS SSSSSSSSSSS SSS SSSS SSSSS SSSSSSSSSSS SSSS SSSSS SSSSSSS SSSSSSSSSS SSSS SSSSSS SSSSSSSSS SSSSSS SSSS SSSSSSSSSS
