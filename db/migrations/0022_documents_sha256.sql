-- The stored sha256 of claim documents was a hash of a latin1 text re-encoding; recompute it from the bytes.
UPDATE claim_documents SET sha256 = encode(sha256(content), 'hex');
