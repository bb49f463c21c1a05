# exams texts
problem-not_enrolled = Not enrolled
    .detail = Only trainees with an active enrolment in this course can sit its exam.
problem-attempts_exhausted = No attempts left
    .detail = { $max ->
        [one] The only attempt at this exam has been used.
       *[other] All { $max } attempts at this exam have been used.
    }
problem-exam_time_over = Time is over
    .detail = The time for this attempt has run out; answers can no longer be changed.
problem-attempt_submitted = Attempt submitted
    .detail = This attempt has been submitted; answers can no longer be changed.
problem-attempt_race = Attempt already starting
    .detail = Another request is starting this attempt. Retry in a moment.
problem-question_bank_too_small = Too few questions
    .detail = The exam draws { $needed ->
        [one] { $needed } question
       *[other] { $needed } questions
    } but its bank has { $available }.
field-option_count = Give between { $min } and { $max } options.
field-options_differ_between_locales = Every translation must have the same number of options.
field-true_false_needs_two_options = A true/false question has exactly two options.
field-no_such_option = This is not one of the question's options.
field-one_correct_option = This kind of question has exactly one correct option.
problem-attempt_expired = Attempt expired
    .detail = Your last attempt ran out of time and has been graded. Send {"{"}"new": true{"}"} to start another attempt.
problem-exam_not_open_yet = Exam not open yet
    .detail = This exam opens at { $opens_local } ({ $time_zone }) and closes at { $closes_local }.
problem-exam_window_closed = Exam window closed
    .detail = The window for this exam closed at { $closes_local } ({ $time_zone }). Ask your branch administrator if you need another chance.
problem-window_exists = Window already set
    .detail = This exam already has a window for this cohort or branch; change that window instead.
problem-trainee_not_enrolled = Trainee not enrolled
    .detail = This trainee has no active enrolment in the exam's course.
field-invalid_date_time = Use a date and time like 2026-03-07T09:00 (the branch's local time) or 2026-03-07T02:00:00Z.
field-ambiguous_local_time = This local time happens twice in { $time_zone } (the clocks go back); add the offset, like 2026-10-25T02:30:00+02:00.
field-nonexistent_local_time = This local time does not exist in { $time_zone } (the clocks go forward); choose another time.
field-closes_before_opens = The window must close after it opens.
field-window_too_long = A window may last at most { $max_days ->
        [one] { $max_days } day
       *[other] { $max_days } days
    }.
field-too_far_from_now = Must be within { $years } years of today.
field-cohort_other_course = This cohort is for a different course than the exam.
