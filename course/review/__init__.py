"""Reviewing the course content as an assessment designer would: the wording cues that could give an
answer away (measured by simulating cue-only learners over the real draw and pass mark), region terms,
unchecked helplines; and the `content check` command that prints it all."""
