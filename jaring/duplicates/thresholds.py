"""The two thresholds of the match probability (docs/duplicates.md).

At or above SAME_PERSON a pair is judged one person: `find-duplicates` writes it. Between REVIEW and SAME_PERSON
an officer decides (the review queue); below REVIEW a pair is not shown.
"""

SAME_PERSON = 0.9
REVIEW = 0.3
