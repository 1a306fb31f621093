BBBB BBBB gettext(u'Pendaftaran Anda disetujui') 
 gettext(u'Yth. %(name)s, pendaftaran %(number)s pada %(programme)s telah diverifikasi dan disetujui oleh %(agency)s.') SSSS SSSSSSSSS SSSSSSSSSSS SSSSSSSSSS SSSS SSSSSSSSSSSSS SSSSS SSSSSSSSSSSS SSS SSSSSSSSS SSSS SSSSSSSSSSS
 gettext(u'Kami akan memberi kabar lagi setelah Anda didaftarkan ke BPJS Ketenagakerjaan.') 
