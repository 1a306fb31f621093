BBBBBBB BBBBBBBBBBB
BBBB BBBB
BBBBB BBBBB gettext(u'Upah minimum (UMK/UMP)') BBBBBBBB
BBBBB BBBBBBB
XXXX gettext(u'Upah minimum (UMK/UMP)') XXXXX
XXX
   gettext(u'UMK tahun berikutnya ditetapkan akhir Desember, sesudah pendaftaran untuk tahun itu dibuka. Sampai diisi di sini, syarat penghasilan dinilai dengan UMK terakhir yang diketahui dan alasannya menyebut hal itu. Begitu diisi, pendaftaran terbuka program wilayah itu dinilai ulang di latar belakang.') 
  XX XXXXXXBBB BBBBBBBBBBBBBBBBXX gettext(u'Kembali ke data rujukan') XXXX
XXXX
XXX XXXXXXXXXXXXXXXXXXX gettext(u'Daftar upah minimum') XXXXX
BBBBBBB BBBBBBBBBBBBBBBBBBBBBBBB BBBB BBBBBBBBBBBBBBBBBBBBBBBBBB
XXXXXXXX XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX
  XXX XXXXXXXXXXXXXXXXXXXXXX gettext(u'Isi atau perbaiki upah minimum') XXXXX
  XXXXX XXXXXXXXXXXXX XXXXXXXXXXX
    BBBBBBBBBB
    BBB BBBBB BB BBBB
    XXXXXX XXXXXXXXXXXXXXX
    
    BB BBBBBBBBBBBBBBBXXXXXXXXXXXXXXXBBBBB
    
    BBBBBB
    XXXXXXX XXXXXXXXXXXXXX gettext(u'Simpan dan nilai ulang') XXXXXXXXX
  XXXXXXX
XXXXXXXXXX
BBBBBBBB
