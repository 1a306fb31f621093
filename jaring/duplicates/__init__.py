"""One person, one record: finding the same person twice (in a list, across lists and funders, in the registry),
the clerical review of doubtful pairs, and merging the records of one person (docs/duplicates.md)."""
