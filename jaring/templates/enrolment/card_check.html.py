BBBBBBB BBBBBBBBBBB
BBBB BBBB
BBBBB BBBBXXXXX XXXXXXXXXXXXX XXXXXXXXXXXXXXXXX XXXXXXXXXXBBBBBBBB
BBBBB BBBBB gettext(u'Pemeriksaan kartu peserta') BBBBBBBB
BBBBB BBBBBBB
XXXXXXXX XXXXXXXXXXXXXXX XXXXXXXXXXXXXXXXXXXX
  BB BBBBB BB BBBBBBB
  XXX XXXXXXXXXXXXXXXX gettext(u'Kartu berlaku') XXXXX
  BBBB BBBBB BB BBBBBBBBB
  XXX XXXXXXXXXXXXXXXX gettext(u'Kartu tidak berlaku') XXXXX
  BBBB BBBBB BB BBBBBBBBB
  XXX XXXXXXXXXXXXXXXX gettext(u'Terlalu banyak pemeriksaan') XXXXX
  XX XXXXXXXXXXXXX gettext(u'Terlalu banyak pemeriksaan kartu dari jaringan ini dalam satu jam terakhir. Coba lagi nanti.') XXXX
  BBBB
  XXX XXXXXXXXXXXXXXXX gettext(u'Kartu tidak dikenal') XXXXX
  XX XXXXXXXXXXXXX gettext(u'Kode pada kartu ini tidak dikenal. Kartu mungkin palsu atau kodenya rusak; tanyakan kepada dinas yang menerbitkan kartu.') XXXX
  BBBBB
  BB BBBBB BB BBBBBBB BB BBBBB BB BBBBBBBBB
  XXX XXXXXXXXXXXXX
    XXXX gettext(u'Program') XXXXX
    XXX XXXXXXXXXXXXXXXXXXXXXXXXX
    XXXX gettext(u'Pemberi dana') XXXXX
    XXX XXXXXXXXXXXXXXXXXXXXXX
    BB BBBBBBBBBBB
    XXXX gettext(u'Berlaku sampai') XXXXX
    XXX XXXXXXXXXXXXXXXXXXXXXXXXXXX XXXXXXXXXXFFFFFFFFFFFFXXFFFFFFFFFFFFXXXXXXXXXXXX
    BBBBB
    XXXX gettext(u'Diperiksa pada') XXXXX
    XXXXXXXXX XXXXXXXXXXFFFFFFFFFFFFXXFFFFFFFFFFFFXXXXXXXXXXXX
  XXXXX
  BB BBBBB BB BBBBBBBBB
  XXX gettext(u'Kepesertaan pemegang kartu ini tidak aktif atau masa berlaku kartu sudah habis. Pemegang kartu dapat menanyakannya ke kelurahan atau dinas pengelola program.') XXXX
  BBBBB
  XX XXXXXXXXXXXXXX gettext(u'Halaman ini hanya menunjukkan apakah kartu berlaku; data pribadi peserta tidak ditampilkan.') XXXX
  BBBBB
XXXXXXXXXX
BBBBBBBB
