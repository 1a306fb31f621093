BBBBBBB BBBBBBBBBBB
BBBB BBBB
BBBBB BBBBB gettext(u'Pendaftaran sudah terkirim') BBBBBBBB
BBBBB BBBBBBB
BBBBBBB BBBBBBBBBBBBBBBBBBBB
XXXX gettext(u'Pendaftaran sudah terkirim') XXXXX
XX XXXXXXXXXXXX XXXXXXXXXXXXXXXXXX gettext(u'Formulir ini sudah dikirim sebelumnya, jadi tidak dikirim lagi. Tidak ada pendaftaran ganda yang dibuat.') XXXX
BB BBBBBB
XXX gettext(u'Nomor pendaftaran Anda:') XXXX
XXXXXXXXXX XXXXXXXXXXXXXXXXXX XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX
BBBBB
XXX gettext(u'Lihat hasilnya di halaman Cek Status dengan nomor pendaftaran dan NIK Anda.') XXXX
XX XXXXXXXXXXXXXXXXXXXXX
  XX XXXXXXBBB BBBBBBBBBBBBBBBX XXXXXXXXXXXXX XXXXXXXXXXXXXXXXXX gettext(u'Cek status') XXXX
  BB BBBBBBXX XXXXXXBBB BBBBBBBBBBBBBBBBBBBBBBXX gettext(u'Lihat hasil pendaftaran') XXXXBBBBB
XXXX
BBBBBBBB
