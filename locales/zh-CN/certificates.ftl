# certificates texts
