"""Bulk import of applicant lists (the file: ../shared/spec/applicant-import.md; docs/import.md).

- `files`: reading and checking the file as a whole (through `core.sheets`), before anything is stored.
- `services`: who may import, starting, resuming and running an import: chunk after chunk, each in its own
  transaction, so a run killed at any moment is finished by running it again.
- `chunks`: judging and storing one chunk, set-based.
- `results`: the result file (the sheet with each row's outcome) and the template.
- `selectors`: the programmes an officer may import into and the imports they see.
"""
