# catalogue texts
problem-course_exists = 课程代码已被占用
    .detail = 已存在使用该代码的课程。
problem-course_in_use = 课程正在使用中
    .detail = 已有班级或考试引用该课程，无法删除。
problem-lesson_in_use = 课时正在使用中
    .detail = 已有学员的学习进度引用该课时，无法删除。
problem-course_has_no_lessons = 课程没有课时
    .detail = 发布课程前请至少添加一个课时。
field-invalid_course_code = 请使用 2 到 32 位大写字母、数字或连字符（例如 EV-HV-101）。
field-source_not_translated = 源语言必须是已提供的译文之一。
field-not_a_permutation = 请将课程的每个课时恰好列出一次。
field-unknown_branch = 不存在使用该代码的分院。

## lesson media
problem-asset_in_use = 素材正在使用
    .detail = 仍有课时显示此素材。请先从课时正文中移除它。
problem-image_too_large = 图片过大
    .detail = 图片声明的尺寸为 { $width } × { $height } 像素，超出允许范围。请缩小后再上传。
problem-media_corrupt = 文件已损坏
    .detail = 文件不完整或格式错误，无法使用。
problem-media_empty = 空文件
    .detail = 上传的文件没有内容。
problem-media_kind_mismatch = 文件类别不同
    .detail = 此素材是{ $expected ->
        [image] 图片
        [video] 视频
        [audio] 音频
        [pdf] PDF 文档
        [subtitle] 字幕文件
       *[other] { $expected }
    }，而上传的文件是{ $found ->
        [image] 图片
        [video] 视频
        [audio] 音频
        [pdf] PDF 文档
        [subtitle] 字幕文件
       *[other] { $found }
    }。请将其作为新素材上传。
problem-media_link_expired = 链接已过期
    .detail = 此媒体链接已过期。请重新加载课时以获取新链接。
problem-media_type_mismatch = 内容与类型不符
    .detail = 文件内容是 { $found }，与声明的类型不一致。
problem-media_type_not_allowed = 不接受此文件类型
    .detail = 课时接受 PNG 或 JPEG 图片、MP4 或 WebM 视频、MP3、M4A、Ogg 或 WAV 音频、PDF 文档和 WebVTT 字幕。
problem-range_not_satisfiable = 请求的范围无效
    .detail = 请求的范围从文件末尾之后开始（文件共 { $size } 字节）。
problem-storage_quota_exceeded = 存储空间已满
    .detail = 存储此文件将超出媒体存储配额。请删除未使用的素材或申请更多空间。
problem-upload_truncated = 上传不完整
    .detail = 上传在整个文件到达之前就结束了。未保留任何内容，请重新发送。
problem-upload_offset_conflict = 分块位置不正确
    .detail = 此上传目前已收到 { $offset } 字节；请从第 { $offset } 字节开始发送下一个分块。
problem-upload_offset_missing = 缺少分块位置
    .detail = 发送每个分块时请附上 Upload-Offset 标头，注明其起始字节（可用 HEAD 查询从何处继续）。
field-invalid_file_name = 文件名必须是单个名称，不含文件夹（/ 或 \），也不能是 "." 或 ".."。
