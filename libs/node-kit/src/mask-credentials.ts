/**
 * Replaces the password of a URL-like value with `***`, so settings and connection errors can be printed
 * without leaking secrets. Anything that is not such a URL comes back unchanged.
 */
export function maskCredentials(value: string): string {
  return value.replace(/(\/\/[^/:@\s]*:)[^@/\s]*@/g, '$1***@');
}
