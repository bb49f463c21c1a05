//! The closed sets of error codes a client can see.
//!
//! A code is part of the API contract (clients branch on it) and each one
//! needs a message in every locale: `problem-{code}` (title, `.detail`),
//! `field-{code}` and `import-row-{code}`. Codes are enum variants rather
//! than strings so that a misspelt code does not compile, and so that one
//! test (`tests/api/catalogue_keys.rs`) can walk `ALL` and prove every code
//! has its messages in every locale.

use std::fmt;

/// Declares a code enum: its variants, their wire text and the Fluent prefix.
macro_rules! error_codes {
    ($(#[$meta:meta])* $name:ident, prefix = $prefix:literal, { $($variant:ident = $text:literal,)* }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $($variant,)*
        }

        impl $name {
            /// Every code, for the test that checks their messages.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];
            /// The prefix of the Fluent message ids of these codes.
            pub const PREFIX: &'static str = $prefix;

            /// The stable text clients see in `code`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }

            /// The Fluent message id: `{prefix}-{code}`.
            pub fn message_id(self) -> String {
                format!("{}-{}", $prefix, self.as_str())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    };
}

error_codes! {
    /// The `code` of a problem document.
    ProblemCode, prefix = "problem", {
        AlreadyEnrolled = "already_enrolled",
        AttemptExpired = "attempt_expired",
        AttemptRace = "attempt_race",
        AttemptSubmitted = "attempt_submitted",
        AttemptsExhausted = "attempts_exhausted",
        BadRequest = "bad_request",
        BranchExists = "branch_exists",
        CannotDeactivateSelf = "cannot_deactivate_self",
        CapacityBelowEnrolled = "capacity_below_enrolled",
        CertificateRevoked = "certificate_revoked",
        CohortClosed = "cohort_closed",
        CohortFull = "cohort_full",
        Conflict = "conflict",
        CourseExists = "course_exists",
        CourseHasNoLessons = "course_has_no_lessons",
        CourseInUse = "course_in_use",
        CsvBadHeader = "csv_bad_header",
        CsvEmpty = "csv_empty",
        CsvNotText = "csv_not_text",
        CsvTooManyRows = "csv_too_many_rows",
        EmailTaken = "email_taken",
        EnrolmentNotActive = "enrolment_not_active",
        ExamTimeOver = "exam_time_over",
        ExamNotOpenYet = "exam_not_open_yet",
        ExamWindowClosed = "exam_window_closed",
        WindowExists = "window_exists",
        TraineeNotEnrolled = "trainee_not_enrolled",
        Forbidden = "forbidden",
        IdempotencyInProgress = "idempotency_in_progress",
        IdempotencyKeyReused = "idempotency_key_reused",
        Internal = "internal",
        InvalidCredentials = "invalid_credentials",
        InvalidJson = "invalid_json",
        InvalidQuery = "invalid_query",
        InvitationInvalid = "invitation_invalid",
        JobStale = "job_stale",
        LessonInUse = "lesson_in_use",
        MalformedBody = "malformed_body",
        MalformedJson = "malformed_json",
        MethodNotAllowed = "method_not_allowed",
        NotAcceptable = "not_acceptable",
        NotEnrolled = "not_enrolled",
        NotFailed = "not_failed",
        NotFound = "not_found",
        NotInvited = "not_invited",
        PasswordResetInvalid = "password_reset_invalid",
        PayloadTooLarge = "payload_too_large",
        QuestionBankTooSmall = "question_bank_too_small",
        RequestTimeout = "request_timeout",
        RoleChangeNotAllowed = "role_change_not_allowed",
        ServiceUnavailable = "service_unavailable",
        TooManyRequests = "too_many_requests",
        Unauthenticated = "unauthenticated",
        UnsupportedMediaType = "unsupported_media_type",
        UserNotActive = "user_not_active",
        ValidationFailed = "validation_failed",
        AssetInUse = "asset_in_use",
        ImageTooLarge = "image_too_large",
        MediaCorrupt = "media_corrupt",
        MediaEmpty = "media_empty",
        MediaKindMismatch = "media_kind_mismatch",
        MediaLinkExpired = "media_link_expired",
        MediaTypeMismatch = "media_type_mismatch",
        MediaTypeNotAllowed = "media_type_not_allowed",
        RangeNotSatisfiable = "range_not_satisfiable",
        StorageQuotaExceeded = "storage_quota_exceeded",
        UploadTruncated = "upload_truncated",
        UploadOffsetConflict = "upload_offset_conflict",
        UploadOffsetMissing = "upload_offset_missing",
    }
}

error_codes! {
    /// The `code` of one invalid field in a validation problem.
    FieldCode, prefix = "field", {
        BeforeAttemptStart = "before_attempt_start",
        BuddhistEraYear = "buddhist_era_year",
        CourseNotOffered = "course_not_offered",
        DuplicateAnswer = "duplicate_answer",
        EndsBeforeStart = "ends_before_start",
        ImplausibleYear = "implausible_year",
        InvalidBranchCode = "invalid_branch_code",
        InvalidCharacters = "invalid_characters",
        InvalidChoice = "invalid_choice",
        InvalidCountry = "invalid_country",
        InvalidCourseCode = "invalid_course_code",
        InvalidCursor = "invalid_cursor",
        InvalidDate = "invalid_date",
        InvalidEmail = "invalid_email",
        InvalidTimeZone = "invalid_time_zone",
        InvalidType = "invalid_type",
        InvalidValue = "invalid_value",
        MixedScripts = "mixed_scripts",
        NoSuchOption = "no_such_option",
        NotInAttempt = "not_in_attempt",
        NotAPermutation = "not_a_permutation",
        NotATrainee = "not_a_trainee",
        OneCorrectOption = "one_correct_option",
        OptionCount = "option_count",
        OptionsDifferBetweenLocales = "options_differ_between_locales",
        OutOfRange = "out_of_range",
        PasswordTooShort = "password_too_short",
        PasswordTooSimple = "password_too_simple",
        Required = "required",
        RoleCrossesHq = "role_crosses_hq",
        RoleNotInBranch = "role_not_in_branch",
        SeqNotIncreasing = "seq_not_increasing",
        SourceNotTranslated = "source_not_translated",
        TimeInFuture = "time_in_future",
        TooLong = "too_long",
        TooManyItems = "too_many_items",
        TrueFalseNeedsTwoOptions = "true_false_needs_two_options",
        UnknownBranch = "unknown_branch",
        UnknownLocale = "unknown_locale",
        UnknownUser = "unknown_user",
        WrongPassword = "wrong_password",
        InvalidDateTime = "invalid_date_time",
        AmbiguousLocalTime = "ambiguous_local_time",
        NonexistentLocalTime = "nonexistent_local_time",
        ClosesBeforeOpens = "closes_before_opens",
        WindowTooLong = "window_too_long",
        TooFarFromNow = "too_far_from_now",
        CohortOtherCourse = "cohort_other_course",
        InvalidFileName = "invalid_file_name",
        UnknownOrganisation = "unknown_organisation",
        NoPractical = "no_practical",
        ChecklistIncomplete = "checklist_incomplete",
        NotInChecklist = "not_in_checklist",
    }
}

error_codes! {
    /// Why one row of a CSV enrolment import was not taken.
    ImportRowCode, prefix = "import-row", {
        AlreadyEnrolled = "already_enrolled",
        CohortFull = "cohort_full",
        DisplayNameInvalidCharacters = "display_name_invalid_characters",
        DisplayNameTooLong = "display_name_too_long",
        DuplicateInFile = "duplicate_in_file",
        EmailInvalidCharacters = "email_invalid_characters",
        EmailMixedScripts = "email_mixed_scripts",
        InvalidEmail = "invalid_email",
        MissingDisplayName = "missing_display_name",
        NotATrainee = "not_a_trainee",
        UnknownLocale = "unknown_locale",
        WrongColumnCount = "wrong_column_count",
        UnknownOrganisation = "unknown_organisation",
    }
}
