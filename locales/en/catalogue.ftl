# catalogue texts
problem-course_exists = Course code taken
    .detail = A course with this code exists already.
problem-course_in_use = Course in use
    .detail = Cohorts or exams refer to this course, so it cannot be deleted.
problem-lesson_in_use = Lesson in use
    .detail = Trainees' progress refers to this lesson, so it cannot be deleted.
problem-course_has_no_lessons = Course has no lessons
    .detail = Add at least one lesson before publishing the course.
field-invalid_course_code = Use 2 to 32 upper-case letters, digits or dashes (for example EV-HV-101).
field-source_not_translated = The source locale must be one of the given translations.
field-not_a_permutation = List every lesson of the course exactly once.
field-unknown_branch = There is no campus with this code.
