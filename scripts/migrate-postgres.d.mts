export function migratePostgres(url: string, log?: (message: string) => void): Promise<void>;
