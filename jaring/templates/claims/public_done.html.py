BBBBBBB BBBBBBBBBBB
BBBB BBBB
BBBBB BBBBB gettext(u'Laporan diterima') BBBBBBBB
BBBBB BBBBBBB
BBBBBBB BBBBBBBBBBBBBBBBBBBB
XXXX gettext(u'Laporan diterima') XXXXX
XXX gettext(u'Nomor laporan Anda: <strong id="claim-number">%(number)s</strong>. Simpan nomor ini.') SSSSS SSSSSSS SSSSS SSSSSSS SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS SSSSSS SSSSS SSSSXXXX
XXX gettext(u'Petugas %(office)s akan menghubungi Anda. Siapkan dokumen berikut:') SSSSSSS SSSSSSSSSS SSSS SSSSSSSSSSS SSSSS SSSSSSS SSSSSSS SSSSSSSSXXXX
XXX XXXXXXXXXXXXBBB BBBBB BB BBBBBBXXXXXXXXXBBBBBBXXXXX
XX XXXXXXXXXXXXXX gettext(u'Buku nikah diperlukan bila ahli warisnya suami atau istri; NPWP bila manfaatnya lebih dari Rp50 juta.') XXXX
BBBBBBBB
