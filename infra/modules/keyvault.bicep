// Key Vault for the four service secrets. Access is Azure RBAC only (no access policies), so who may read a secret
// is an ordinary, auditable role assignment; soft delete + purge protection mean a deleted vault or secret can be
// recovered and cannot be destroyed before the retention period ends, even by an owner.

param name string
param location string
param tags object

@description('When true, the public endpoint is closed; the app resolves its Key Vault references through a private endpoint.')
param disablePublicNetworkAccess bool

@secure()
@description('Deployment salt (base64, >= 16 bytes), shared with teams for leakmon fingerprint.')
param fingerprintSalt string
@secure()
@description('Service-only pepper (base64, >= 16 bytes); never leaves the service.')
param fingerprintPepper string
@secure()
@description('Root webhook signing key (base64, >= 32 bytes).')
param webhookSigningKey string
@secure()
@description('Bootstrap API key for the first team.')
param apiBootstrapKey string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    publicNetworkAccess: disablePublicNetworkAccess ? 'Disabled' : 'Enabled'
    networkAcls: {
      defaultAction: disablePublicNetworkAccess ? 'Deny' : 'Allow'
      bypass: 'AzureServices'
    }
  }
}

// Secret names are the contract with the app settings (see function-app.bicep) and with docs/deploy.md.
resource salt 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'fingerprint-salt'
  properties: { value: fingerprintSalt, contentType: 'base64' }
}

resource pepper 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'fingerprint-pepper'
  properties: { value: fingerprintPepper, contentType: 'base64' }
}

resource signingKey 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'webhook-signing-key'
  properties: { value: webhookSigningKey, contentType: 'base64' }
}

resource bootstrapKey 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'api-bootstrap-key'
  properties: { value: apiBootstrapKey, contentType: 'text/plain' }
}

output name string = vault.name
output id string = vault.id
output secretNames object = {
  fingerprintSalt: salt.name
  fingerprintPepper: pepper.name
  webhookSigningKey: signingKey.name
  apiBootstrapKey: bootstrapKey.name
}
