//! Exams: question banks, timed attempts, autosave, grading.
