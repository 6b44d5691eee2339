/** Names shared by the bench process and the server child. */
export function benchHallId(index: number): string {
  return `bench-${String(index + 1).padStart(3, '0')}`;
}

export function benchWindowId(index: number): string {
  return String(index + 1);
}
