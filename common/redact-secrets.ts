// The last guard against a secret in a line stylerun prints or logs. Where a value is known to be a Blob location,
// redactLocation drops its whole query (the SAS); this catches secrets in values that did not parse as one: a
// URL with a typo taken for a path ("https:/acct.blob..."), another scheme, an id given to --resume. A SAS's
// signature, an account key and a connection string's signature are replaced, whatever the line.
const secretParts: readonly RegExp[] = [
  /([?&;]sig=)[^&\s'"]+/gi,
  /(AccountKey=)[^;\s'"]+/gi,
  /(SharedAccessSignature=)[^;\s'"]+/gi,
];

/** `text` with every SAS signature and account key in it replaced by REDACTED. */
export function redactSecrets(text: string): string {
  if (!/sig=|AccountKey=|SharedAccessSignature=/i.test(text)) return text;
  return secretParts.reduce((t, part) => t.replace(part, '$1REDACTED'), text);
}
