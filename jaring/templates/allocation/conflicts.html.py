BBBBBBB BBBBBBBBBBB
BBBB BBBB
BBBBB BBBBB gettext(u'Dibiayai pemberi dana lain: %(code)s') SSSSSSSS SSSSSSS SSSS SSSSS SSSSSSSSBBBBBBBB
BBBBB BBBBBBB
XXXXX XXXXXXBBB BBBBBBBBBBBBBBBBBBBBBBBXXX  gettext(u'Semua program') XXXXXXXX
XXXX gettext(u'Peserta yang juga dibiayai pemberi dana lain (%(code)s)') SSSSSSS SSSS SSSS SSSSSSSS SSSSSSS SSSS SSSS SSSSSSSSSSXXXXX
XX XXXXXXXXXXXXX XXXXX XXXXXXXXXXXXXXXXXXXXXXXXXXX
BBBBBBB BBBBBBBBBBBBBBBBBBBBBB
XXX gettext(u'Satu orang hanya dibiayai satu pemberi dana pada bulan yang sama. Setelah para pengelola sepakat, alihkan orang itu mulai bulan tertentu: tempat lamanya berakhir pada akhir bulan sebelumnya (bulan-bulan itu tetap dibiayai pemberi dana lama), dan ia mendapat tempat di program tujuan mulai bulan itu. Tempat yang kosong di program lama diberikan kepada daftar tunggunya.') XXXX
BB BBBBBXXXX XXXXXXXXXXXXXXXXX XXXXXXXXXXXX XXXXXXXXXXXXXXXXXXXXXXXXXXXBBBBB

XXXXXXXX XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX XXXXXXXXXXX
  XXX XXXXXXXXXXXXXXXXXXXXXX gettext(u'Pemohon program ini yang memegang tempat di program lain') XXXXX
  BB BBBBBBBB
  BBBBBBB BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB BBBB BBBBBBBBBBBBB BBBBBBBBBBBBBBBBBBB
  BBBB
  XX XXXXXXXXXXXXXX gettext(u'Tidak ada.') XXXX
  BBBBB
XXXXXXXXXX

XXXXXXXX XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX XXXXXXXXXXXX
  XXX XXXXXXXXXXXXXXXXXXXXXX gettext(u'Peserta program ini yang menunggu tempat di program lain') XXXXX
  BB BBBBBBBB
  BBBBBBB BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB BBBB BBBBBBBBBBBBB BBBBBBBBBBBBBBBBBBB
  BBBB
  XX XXXXXXXXXXXXXX gettext(u'Tidak ada.') XXXX
  BBBBB
XXXXXXXXXX
BBBBBBBB
