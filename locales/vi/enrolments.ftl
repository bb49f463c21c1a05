# enrolments texts
problem-csv_not_text = Không phải tệp văn bản CSV
    .detail = Tệp tải lên không phải văn bản UTF-8. Vui lòng lưu bảng tính dạng "CSV UTF-8" rồi thử lại.
problem-csv_bad_header = Tiêu đề CSV sai
    .detail = Dòng đầu tiên phải là tên cột: bắt buộc có email và display_name, cột locale không bắt buộc (email,display_name,locale).
problem-csv_empty = Tệp CSV trống
    .detail = Tệp chỉ có tiêu đề, không có học viên nào.
problem-csv_too_many_rows = Quá nhiều dòng
    .detail = Mỗi tệp chứa tối đa { $max } học viên; vui lòng chia thành nhiều tệp.
import-row-invalid_email = Dòng { $row }: địa chỉ email không hợp lệ.
import-row-missing_display_name = Dòng { $row }: thiếu tên.
import-row-display_name_too_long = Dòng { $row }: tên dài hơn 120 ký tự.
import-row-unknown_locale = Dòng { $row }: ngôn ngữ không xác định; dùng zh-CN, en, th hoặc vi.
import-row-duplicate_in_file = Dòng { $row }: email này đã xuất hiện ở phía trên trong tệp.
import-row-wrong_column_count = Dòng { $row }: số ô không khớp với tiêu đề.
import-row-not_a_trainee = Dòng { $row }: người này là quản trị viên, không phải học viên.
import-row-cohort_full = Dòng { $row }: lớp đã đủ chỗ.
import-row-already_enrolled = Dòng { $row }: đã ghi danh vào lớp này.

## hardening: text policy
import-row-email_invalid_characters = Dòng { $row }: địa chỉ email chứa ký tự điều khiển hoặc ký tự ẩn.
import-row-email_mixed_scripts = Dòng { $row }: phần trước @ của địa chỉ email trộn lẫn nhiều bảng chữ cái (ví dụ chữ Latinh và chữ Kirin).
import-row-display_name_invalid_characters = Dòng { $row }: tên chứa ký tự xuống dòng, ký tự điều khiển hoặc ký tự ẩn.
import-row-unknown_organisation = Dòng { $row }: không có tổ chức này trong cơ sở; hãy dùng đúng tên hoặc mã của tổ chức.
