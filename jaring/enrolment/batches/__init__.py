"""BPJS batches: the officer pages (`views`, `forms`, `urls`) and the batch file for the branch (`files`). The
rules (freezing a batch, applying the answer) are in `enrolment.services`."""
