// Refuses to run against a database whose name does not say it is a test database (STYLE.md §8).
export default function globalSetup(): void {
  const url = process.env.DATABASE_URL;
  if (!url) return;
  const name = new URL(url).pathname.replace(/^\//, '');
  if (!name.includes('test')) {
    throw new Error(`Refusing to run tests against database "${name}": its name must contain "test".`);
  }
}
