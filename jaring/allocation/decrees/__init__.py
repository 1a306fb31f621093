"""The decree (SK) list: generating, comparing, signing (`services`), its XLSX and PDF (`exports`) and the
manager's pages (`views`, `urls`)."""
