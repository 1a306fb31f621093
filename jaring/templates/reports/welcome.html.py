BBBBBBB BBBBBBBBBBB
BBBB BBBB
BBBBB BBBBB gettext(u'Selamat datang') BBBBBBBB
BBBBB BBBBBBB
XXXX gettext(u'Perlindungan BPJS Ketenagakerjaan bagi pekerja rentan') XXXXX
XX XXXXXXXXXXXXX
   gettext(u'Pemerintah daerah membayar iuran Jaminan Kecelakaan Kerja (JKK) dan Jaminan Kematian (JKM) bagi pekerja informal: ojol, ojek pangkalan, nelayan, petani, buruh harian lepas, pedagang kecil, pekerja rumah tangga.') 
XXXX

XXXXXXXX XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX
  XXX XXXXXXXXXXXXXXXXXXXXXXX gettext(u'Untuk pemohon') XXXXX
  XXX
    XX XXXXXXBBB BBBBBBBBBBBBBBBBBX XXXXXXXXXXXXX XXXXXXXXXXXXXXXXXXXXXXXX gettext(u'Daftar sekarang') XXXX
    XX XXXXXXBBB BBBBBBBBBBBBBBBX XXXXXXXXXXXXX XXXXXXXXXXXXXXXXX XXXXXXXXXXXXXXXXXX gettext(u'Cek status pendaftaran') XXXX
  XXXX
  BB BBBBBB
  XXX gettext(u'Program yang menerima pendaftaran saat ini:') XXXX
  XXX XXXXXXXXXXXXXXXXXXXXX
    BBB BBBBB BB BBBBBB
    XXXXXXXXXXXXXXXXXXXXXXXXX
      XXXXX XXXXXXXXXXXXXX X XXXXXXXXXXX
       gettext(u'Perlindungan %(start)s sampai %(end)s') SSSSSSSSSSSS SSSSSSSSS SSSSSS SSSSSSSXXXXX
    BBBBBB
  XXXXX
  BBBB
  XX XXXXXXXXXXXXXXXXXX gettext(u'Saat ini belum ada program yang menerima pendaftaran. Silakan kembali lagi nanti.') XXXX
  BBBBB
  XX XXXXXXXXXXXXXX gettext(u'Siapkan KTP, Kartu Keluarga dan, untuk ojol, surat keterangan dari aplikator. Pendaftaran gratis.') XXXX
XXXXXXXXXX

XXXXXXXX XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX
  XXX XXXXXXXXXXXXXXXXXXXXXXX gettext(u'Data terbuka') XXXXX
  XXX gettext(u'Jumlah peserta per bulan menurut sektor, kecamatan, jenis kelamin dan kelompok umur, tanpa data pribadi.') 
    XX XXXXXXBBB BBBBBBBBBBBBBBBBBX XXXXXXXXXXXXXXX gettext(u'Lihat dan unduh data terbuka') XXXXXXXX
XXXXXXXXXX

XXXXXXXX XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX
  XXX XXXXXXXXXXXXXXXXXXXXX gettext(u'Untuk petugas') XXXXX
  XXXXX XXXXXXBBB BBBBBBBBBBBBXX gettext(u'Masuk sebagai petugas') XXXXXXXX
XXXXXXXXXX
BBBBBBBB
