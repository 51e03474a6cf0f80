SELECT secret_enc FROM partners WHERE name = ? AND active
