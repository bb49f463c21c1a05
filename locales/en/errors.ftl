# Problem documents (RFC 9457): the message is the title, .detail the detail.
problem-generic = Request failed
    .detail = The request could not be completed.
problem-bad_request = Bad request
    .detail = The request is not well formed.
problem-malformed_json = Malformed JSON
    .detail = The request body is not valid JSON.
problem-invalid_json = Invalid request body
    .detail = The JSON body has a missing field or a value of the wrong type.
problem-malformed_body = Unreadable request body
    .detail = The request body could not be read completely.
problem-invalid_query = Invalid query parameter
    .detail = A query parameter has a value that cannot be used.
problem-validation_failed = Validation failed
    .detail = Some fields are invalid; see errors for each of them.
problem-unauthenticated = Authentication required
    .detail = Sign in and send a valid access token.
problem-invalid_credentials = Wrong sign-in details
    .detail = The campus, email or password is not correct.
problem-forbidden = Not allowed
    .detail = Your role may not do this.
problem-not_found = Not found
    .detail = The requested resource does not exist.
problem-method_not_allowed = Method not allowed
    .detail = This resource does not accept this HTTP method.
problem-not_acceptable = Not acceptable
    .detail = None of the requested response formats can be produced.
problem-request_timeout = Request timeout
    .detail = The request took too long to arrive.
problem-conflict = Conflict
    .detail = The request conflicts with the current state of the resource.
problem-payload_too_large = Request body too large
    .detail = The request body is larger than the { $limit ->
        [one] { $limit } byte
       *[other] { $limit } bytes
    } accepted here.
problem-unsupported_media_type = Unsupported media type
    .detail = Send the body as { $expected }.
problem-too_many_requests = Too many requests
    .detail = Please wait before trying again.
problem-service_unavailable = Service unavailable
    .detail = The service cannot reach its database right now. Try again shortly.
problem-internal = Internal error
    .detail = Something went wrong on our side. It has been logged.
problem-branch_exists = Branch code taken
    .detail = A campus with this code exists already.
problem-email_taken = Email already registered
    .detail = A user with this email exists at this campus already. If they never accepted their invitation, send it again (POST /api/v1/users/<id>/invitation) instead of creating them anew.
problem-not_failed = Not a failed email
    .detail = Only failed emails can be retried.
problem-invitation_invalid = Invitation not valid
    .detail = This invitation link is unknown, has been used or has expired.
problem-idempotency_in_progress = Request still in progress
    .detail = A request with this Idempotency-Key is still being processed. Retry in a moment.
problem-idempotency_key_reused = Idempotency-Key reused
    .detail = This Idempotency-Key was used for a different request.

# Field errors, in the errors list of a validation problem.
field-required = This field is required.
field-invalid_type = This value has the wrong type.
field-invalid_value = This value cannot be used: { $reason }
field-invalid_choice = This is not one of the allowed values.
field-out_of_range = Must be between { $min } and { $max }.
field-invalid_cursor = This cursor is not valid; start again from the first page.
field-unknown_locale = Unknown locale; use zh-CN, en, th or vi.
field-too_long = Too long: at most { $max ->
        [one] { $max } character
       *[other] { $max } characters
    }.
field-invalid_branch_code = Use 2 to 8 upper-case letters or digits.
field-invalid_country = Not an ISO 3166-1 two-letter country code.
field-invalid_time_zone = Not an IANA time zone name (for example Asia/Bangkok).
field-invalid_email = Not a valid email address.
field-password_too_short = The password must have at least { $min ->
        [one] { $min } character
       *[other] { $min } characters
    }.
field-password_too_simple = The password is too simple.
field-wrong_password = The current password is not correct.
field-role_not_in_branch = Headquarters administrators belong to the HQ branch.

# Cohorts and enrolments.
problem-cohort_full = Cohort full
    .detail = Every seat in this cohort is taken.
problem-already_enrolled = Already enrolled
    .detail = This trainee is already enrolled in this cohort.
problem-cohort_closed = Cohort closed
    .detail = This cohort takes no new enrolments.
problem-capacity_below_enrolled = Capacity too small
    .detail = { $enrolled ->
        [one] { $enrolled } trainee is
       *[other] { $enrolled } trainees are
    } enrolled already; the capacity cannot be lower.
problem-enrolment_not_active = Enrolment not active
    .detail = This enrolment has been withdrawn.
field-course_not_offered = This course is not published to this campus.
field-ends_before_start = The end date is before the start date.
field-invalid_date = Use a date like 2026-03-01.
field-unknown_user = There is no such user at this campus.
field-not_a_trainee = Only trainees can be enrolled.

## hardening: text policy
field-invalid_characters = Contains a character that cannot be stored here ({ $character }): control characters, line breaks in a single line, and invisible or text-direction characters are not allowed.
field-mixed_scripts = The part before @ mixes alphabets (for example Latin and Cyrillic letters); use one alphabet.
## hardening: worker
problem-job_stale = Background job stalled
    .detail = The background job { $job } has not completed a run for { $seconds ->
        [one] { $seconds } second
       *[other] { $seconds } seconds
    }: email or exam grading may be held up.
## user management
problem-role_change_not_allowed = Role change not allowed
    .detail = Only headquarters administrators change a user's role.
problem-cannot_deactivate_self = You cannot deactivate yourself
    .detail = An administrator cannot deactivate their own account; ask another administrator.
field-role_crosses_hq = An HQ administrator cannot take a campus role, and a campus user cannot become an HQ administrator.
## accounts: lost access
problem-password_reset_invalid = Reset link not valid
    .detail = This password reset link is unknown, has been used or has expired. Ask for a new one.
problem-not_invited = No invitation waiting
    .detail = This user has accepted their invitation already (or was never invited): they sign in with their password, and can ask for a password reset.
problem-user_not_active = User not active
    .detail = This user cannot sign in: an invited user needs their invitation sent again, a deactivated user must be reactivated first.
## answer sync
field-before_attempt_start = This time is before the attempt started.
field-duplicate_answer = The same question appears twice with the same sequence number.
field-not_in_attempt = This question is not part of the attempt.
field-seq_not_increasing = Sequence numbers must increase through the batch.
field-time_in_future = This time is in the future; check the device's clock.
field-too_many_items = Too many items: at most { $max }.

## localization: input conventions
field-buddhist_era_year = { $year } looks like a Buddhist-era year: enter the year in the Common Era ({ $year_ce }).
field-implausible_year = Enter a Common Era year between { $min } and { $max }.
problem-certificate_revoked = Certificate revoked
    .detail = This certificate has been revoked; it cannot be issued again. The trainee can be certified anew by completing the course again.
field-unknown_organisation = There is no such organisation at this campus.
field-no_practical = This course has no practical assessment.
field-checklist_incomplete = Every step of the checklist needs a result.
field-not_in_checklist = This step is not part of the course's checklist.
