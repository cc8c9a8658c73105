// Types of package.mjs for the TypeScript callers (the package test, the e2e run).
export function vsixPath(): string;
