"""Membership cards: printing them (`services`, `tasks`, the PDF in `pdf`), the reads of the card pages
(`selectors`), the hand-over report (`reports`), and the officer pages (`views`, `forms`, `urls`) and the public
card check (`public_urls`)."""
