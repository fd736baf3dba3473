export const ADMIN_API = '/api/background_tasks/admin'
