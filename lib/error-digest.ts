/**
 * The digest lib/db stamps on errors that mean "the database is unavailable". Next hands a thrown
 * error's digest to the page's error.tsx (the message it redacts in production), so the error
 * boundary can say what happened without the server saying anything secret. Safe in client code.
 */
export const DATABASE_UNAVAILABLE_DIGEST = 'database_unavailable';
