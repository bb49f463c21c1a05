# enrolments texts
