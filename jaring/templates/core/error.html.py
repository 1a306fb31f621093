BBBBBBB BBBBBBBBBBB
BBBB BBBB
BBBBB BBBBB gettext(u'Tidak dapat dilanjutkan') BBBBBBBB
BBBBB BBBBBBB
XXXXXXXXX
  XXXX gettext(u'Maaf, halaman ini tidak dapat ditampilkan') XXXXX
  XX XXXXXXXXXXXX XXXXXXXXXXXXXXXXX
  XXX gettext(u'Jika menurut Anda ini keliru, hubungi administrator instansi Anda dan sebutkan alamat halaman ini.') XXXX
  XX XXXXXXXXXXXXXXXXXXXXX
    XX XXXXXXBBB BBBBBBX XXXXXXXXXXXXXX gettext(u'Kembali ke beranda') XXXX
  XXXX
XXXXXXXXXX
BBBBBBBB
