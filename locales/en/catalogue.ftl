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

## lesson media
problem-asset_in_use = Asset in use
    .detail = A lesson still shows this asset. Remove it from the lesson text first.
problem-image_too_large = Image too large
    .detail = The image claims { $width } × { $height } pixels, more than is accepted. Scale it down before uploading.
problem-media_corrupt = Damaged file
    .detail = The file is cut short or malformed and cannot be used.
problem-media_empty = Empty file
    .detail = The uploaded file has no content.
problem-media_kind_mismatch = Different kind of file
    .detail = This asset is { $expected ->
        [image] an image
        [video] a video
        [audio] a sound recording
        [pdf] a PDF document
        [subtitle] a subtitle file
       *[other] { $expected }
    }; the file sent is { $found ->
        [image] an image
        [video] a video
        [audio] a sound recording
        [pdf] a PDF document
        [subtitle] a subtitle file
       *[other] { $found }
    }. Upload it as a new asset instead.
problem-media_link_expired = Link expired
    .detail = This media link has expired. Reload the lesson for a fresh one.
problem-media_type_mismatch = Content does not match its type
    .detail = The file's content is { $found }, which is not the type it was sent as.
problem-media_type_not_allowed = File type not accepted
    .detail = Lessons accept PNG or JPEG images, MP4 or WebM video, MP3, M4A, Ogg or WAV sound, PDF documents and WebVTT subtitles.
problem-range_not_satisfiable = Range not satisfiable
    .detail = The requested range starts beyond the end of the file ({ $size ->
        [one] { $size } byte
       *[other] { $size } bytes
    }).
problem-storage_quota_exceeded = Storage full
    .detail = Storing this file would exceed the media storage quota. Remove unused assets or ask for more space.
problem-upload_truncated = Upload incomplete
    .detail = The upload ended before the whole file arrived. Nothing was kept; please send it again.
problem-upload_offset_conflict = Chunk at the wrong position
    .detail = The upload holds { $offset ->
        [one] { $offset } byte
       *[other] { $offset } bytes
    } so far; send the next chunk starting at byte { $offset }.
problem-upload_offset_missing = Chunk position missing
    .detail = Send each chunk with an Upload-Offset header giving the byte it starts at (ask the upload with HEAD where to continue).
field-invalid_file_name = A file name is a single name without folders (/ or \), not "." or "..".
