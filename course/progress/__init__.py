"""Facts every feature may read: a learner's pathway, how far they have come, and the status rule.

Records, quizzes, learning and the reports all build on these; this package imports none of them.
"""
