"""The thresholds of the match probability (docs/duplicates.md, Thresholds).

The probability is calibrated (bench/duplicates_quality.py prints the check), so 0.5 means "more likely one
person than two": at or above SAME_PERSON a pair is judged one person (`find-duplicates` writes it, the list
check shows it). Between REVIEW and SAME_PERSON an officer decides in the review queue, where the pairs above
are listed first; below REVIEW nothing is shown. A scan merges on its own, when asked to, only at or above
AUTO_MERGE, where almost no pair of different people is found.
"""

REVIEW = 0.1
SAME_PERSON = 0.5
AUTO_MERGE = 0.99
