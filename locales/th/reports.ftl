# reports texts
