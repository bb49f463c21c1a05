//! Cohorts: a branch's intake of trainees for one course.
