// One private endpoint for one sub-resource (blob, queue, table or vault), registered in its private DNS zone.

param name string
param location string
param tags object
param subnetId string
param targetResourceId string
@allowed(['blob', 'queue', 'table', 'vault'])
param groupId string
param privateDnsZoneId string

resource endpoint 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    subnet: { id: subnetId }
    privateLinkServiceConnections: [
      {
        name: name
        properties: {
          privateLinkServiceId: targetResourceId
          groupIds: [groupId]
        }
      }
    ]
  }

  resource dnsZoneGroup 'privateDnsZoneGroups' = {
    name: 'default'
    properties: {
      privateDnsZoneConfigs: [
        {
          name: groupId
          properties: { privateDnsZoneId: privateDnsZoneId }
        }
      ]
    }
  }
}
