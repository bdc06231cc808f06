using 'main.bicep'

// Deploy with: az deployment group create -g <group> -f infra/main.bicep -p infra/main.bicepparam
// The admin key comes from the environment, never from this file: export VOD_ADMIN_KEY first
// (for example: export VOD_ADMIN_KEY=$(openssl rand -hex 32)).

param environmentName = readEnvironmentVariable('VOD_ENVIRONMENT', 'dev')
param adminKey = readEnvironmentVariable('VOD_ADMIN_KEY')
param applyMediaPoliciesSchedule = '0 0 3 * * *'
param reconcileStorageSchedule = '0 */15 * * * *'
param callbackUrl = readEnvironmentVariable('VOD_CALLBACK_URL', '')
param callbackAuthKey = readEnvironmentVariable('VOD_CALLBACK_AUTH_KEY', '')
param principalId = readEnvironmentVariable('VOD_PRINCIPAL_ID', '')
