// The one identity the function app runs as. User-assigned, so role assignments exist before the app starts and the
// same client id can be named in AzureWebJobsStorage__clientId and APPLICATIONINSIGHTS_AUTHENTICATION_STRING.

param name string
param location string
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output name string = identity.name
output id string = identity.id
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
