SELECT secret_enc FROM agencies WHERE name = ?
