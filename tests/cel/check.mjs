// Evaluates every matchCondition of the rendered webhook configurations against sample objects.
// Usage: node check.mjs conditions.json   (a list of {webhook, expr}, written by DeployManifestTests)
// A case is [object, expected, resource?] (a CREATE: oldObject null) or, for UPDATE and DELETE,
// {what, operation, object, oldObject, expected, resource?, username?} (object null on DELETE; the user
// is a person unless given).
// cel-js is not the API server's cel-go, but it parses the same language: a syntax error, an unknown
// macro or a condition that selects the wrong objects fails here before it fails an installation.
import {evaluate} from '@marcbachmann/cel-js'
import fs from 'fs'

const waypoint = {'istio.io/use-waypoint': 'w'}
const canary = {'istio.io/use-waypoint-canary': 'c'}
const weight = {'istio.io/use-waypoint-canary-weight': '10'}
// A Namespace UPDATE from `before` to `after` (each a metadata object).
const namespaceUpdate = (what, before, after, expected) =>
  ({what, operation: 'UPDATE', object: {metadata: after}, oldObject: {metadata: before}, expected})

const cases = {
  'use-waypoint-namespace.waypoint.istio.io': [
    [{metadata: {labels: {'istio.io/use-waypoint-namespace': 'i'}}}, true],
    [{metadata: {labels: {'istio.io/use-waypoint-namespace': 'i', ...waypoint}}}, false],
  ],
  'ingress-use-waypoint.waypoint.istio.io': [
    [{metadata: {labels: {'istio.io/ingress-use-waypoint': 'x'}}}, true],
    [{metadata: {labels: {'istio.io/ingress-use-waypoint': 'x', ...waypoint}}}, false],
  ],
  'pod-templates.waypoint.istio.io': [
    [{spec: {template: {metadata: {labels: waypoint}}}}, true],
    [{spec: {template: {metadata: {labels: {'istio.io/use-waypoint-namespace': 'i'}}}}}, true],
    [{spec: {template: {metadata: {labels: {app: 'x'}}}}}, false],
    [{spec: {template: {metadata: {labels: canary}}}}, true],
    [{spec: {template: {metadata: {labels: {'istio.io/use-waypoint-canary-namespace': 'i'}}}}}, true],
    [{spec: {template: {metadata: {}}}}, false],
  ],
  'cronjob-templates.waypoint.istio.io': [
    [{spec: {jobTemplate: {spec: {template: {metadata: {labels: waypoint}}}}}}, true],
    [{spec: {jobTemplate: {spec: {template: {metadata: {labels: canary}}}}}}, true],
    [{spec: {jobTemplate: {spec: {template: {metadata: {}}}}}}, false],
  ],
  'service-entries.waypoint.istio.io': [
    [{metadata: {}, spec: {endpoints: [{address: '1.2.3.4', labels: waypoint}]}}, true],
    [{metadata: {labels: {'istio.io/ingress-use-waypoint': 'true'}}, spec: {}}, true],
    [{metadata: {labels: waypoint}, spec: {}}, true],
    [{metadata: {}, spec: {endpoints: [{address: '1.2.3.4'}]}}, false],
    [{metadata: {labels: {app: 'x'}}, spec: {}}, false],
    [{metadata: {labels: canary}, spec: {}}, true],
    [{metadata: {annotations: weight}, spec: {}}, true],
    [{metadata: {annotations: {'istio.io/connect-strategy': 'RACE_FIRST_TCP_CONNECT'}}, spec: {}}, true],
    [{metadata: {}, spec: {hosts: ['*.example.com']}}, true],
    [{metadata: {}, spec: {hosts: ['api.example.com']}}, false],
    [{metadata: {annotations: {a: 'b'}}, spec: {hosts: ['api.example.com']}}, false],
  ],
  'canaries.waypoint.istio.io': [
    [{metadata: {labels: canary}}, true],
    [{metadata: {labels: {'istio.io/use-waypoint-canary-namespace': 'i'}}}, true],
    [{metadata: {annotations: weight}}, true],
    [{metadata: {labels: {...canary, ...waypoint}}}, false],
    [{metadata: {labels: {...canary, 'istio.io/use-waypoint-namespace': 'i'}}}, false],
    [{metadata: {labels: {...canary, 'istio.io/ingress-use-waypoint': 'true'}}}, false],
    [{metadata: {labels: {app: 'x'}, annotations: {a: 'b'}}}, false],
    [{metadata: {}}, false],
  ],
  'inherited-services.waypoint.istio.io': [
    [{metadata: {}}, true],
    [{metadata: {labels: {app: 'x'}, annotations: {a: 'b'}}}, true],
    [{metadata: {labels: waypoint}}, false],
    [{metadata: {labels: {'istio.io/use-waypoint-namespace': 'i'}}}, false],
    [{metadata: {labels: {'istio.io/ingress-use-waypoint': 'true'}}}, false],
    [{metadata: {labels: canary}}, false],
    [{metadata: {annotations: weight}}, false],
  ],
  'inherited-service-entries.waypoint.istio.io': [
    [{metadata: {}, spec: {hosts: ['api.example.com']}}, true],
    [{metadata: {labels: {app: 'x'}}, spec: {endpoints: [{address: '1.2.3.4', labels: {app: 'x'}}]}}, true],
    [{metadata: {labels: waypoint}, spec: {}}, false],
    [{metadata: {labels: canary}, spec: {}}, false],
    [{metadata: {annotations: weight}, spec: {}}, false],
    [{metadata: {annotations: {'istio.io/connect-strategy': 'x'}}, spec: {}}, false],
    [{metadata: {}, spec: {hosts: ['*.example.com']}}, false],
    [{metadata: {}, spec: {endpoints: [{address: '1.2.3.4', labels: waypoint}]}}, false],
  ],
  'workload-groups.waypoint.istio.io': [
    [{spec: {metadata: {labels: waypoint}}}, true],
    [{spec: {template: {labels: {'istio.io/use-waypoint-namespace': 'i'}}}}, true],
    [{spec: {metadata: {labels: canary}}}, true],
    [{spec: {metadata: {labels: {app: 'x'}}, template: {labels: {app: 'x'}}}}, false],
    [{spec: {metadata: {}}}, false],
    [{spec: {}}, false],
  ],
  'workload-entries.waypoint.istio.io': [
    [{metadata: {}, spec: {labels: waypoint}}, true],
    [{metadata: {labels: waypoint}, spec: {}}, true],
    [{metadata: {labels: {a: 'b'}}, spec: {}}, false],
  ],
  'gateways.waypoint.istio.io': [
    [{metadata: {}, spec: {gatewayClassName: 'istio-waypoint'}}, true, 'gateways'],
    [{metadata: {}, spec: {gatewayClassName: 'istio'}}, false, 'gateways'],
    [{metadata: {labels: {'istio.io/dataplane-mode': 'ambient'}}, spec: {gatewayClassName: 'istio'}}, true, 'gateways'],
    [{metadata: {annotations: {'ambient.istio.io/waypoint-inbound-binding': 'PROXY/15088'}}, spec: {gatewayClassName: 'istio'}}, true, 'gateways'],
    [{metadata: {}, spec: {gatewayClassName: 'istio', infrastructure: {labels: {'istio.io/dataplane-mode': 'ambient'}}}}, true, 'gateways'],
    [{metadata: {labels: {app: 'x'}, annotations: {a: 'b'}}, spec: {gatewayClassName: 'istio', infrastructure: {labels: {a: 'b'}}}}, false, 'gateways'],
    [{metadata: {labels: {'istio.io/dataplane-mode': 'none'}}, spec: {gatewayClassName: 'istio', infrastructure: {labels: {'istio.io/dataplane-mode': 'none'}}}}, false, 'gateways'],
    [{metadata: {labels: {'istio.io/dataplane-mode': 'ambient'}}, spec: {controllerName: 'c'}}, false, 'gatewayclasses'],
    [{metadata: {annotations: {'ambient.istio.io/waypoint-inbound-binding': 'PROXY'}}, spec: {controllerName: 'c'}}, true, 'gatewayclasses'],
    [{metadata: {labels: {'istio.io/waypoint-for': 'x'}}, spec: {gatewayClassName: 'istio'}}, true, 'gateways'],
    [{metadata: {labels: {'istio.io/waypoint-for': 'x'}}, spec: {controllerName: 'c'}}, true, 'gatewayclasses'],
    [{metadata: {}, spec: {controllerName: 'c'}}, false, 'gatewayclasses'],
    [{metadata: {}, spec: {controllerName: 'istio.io/mesh-controller'}}, false, 'gatewayclasses'],
    // UPDATE and DELETE: the object before the change counts as much as after it.
    {what: 'DELETE of a waypoint', operation: 'DELETE', object: null, oldObject: {metadata: {}, spec: {gatewayClassName: 'istio-waypoint'}}, expected: true, resource: 'gateways'},
    {what: 'DELETE of a Gateway with waypoint-for', operation: 'DELETE', object: null, oldObject: {metadata: {labels: {'istio.io/waypoint-for': 'all'}}, spec: {gatewayClassName: 'istio'}}, expected: true, resource: 'gateways'},
    {what: 'DELETE of an ingress Gateway', operation: 'DELETE', object: null, oldObject: {metadata: {}, spec: {gatewayClassName: 'istio'}}, expected: false, resource: 'gateways'},
    {what: 'UPDATE moving a waypoint to an ingress class', operation: 'UPDATE', object: {metadata: {}, spec: {gatewayClassName: 'istio'}}, oldObject: {metadata: {}, spec: {gatewayClassName: 'istio-waypoint'}}, expected: true, resource: 'gateways'},
    {what: 'UPDATE removing waypoint-for', operation: 'UPDATE', object: {metadata: {}, spec: {gatewayClassName: 'istio'}}, oldObject: {metadata: {labels: {'istio.io/waypoint-for': 'all'}}, spec: {gatewayClassName: 'istio'}}, expected: true, resource: 'gateways'},
    {what: 'UPDATE removing the sandwich label', operation: 'UPDATE', object: {metadata: {}, spec: {gatewayClassName: 'istio'}}, oldObject: {metadata: {labels: {'istio.io/dataplane-mode': 'ambient'}}, spec: {gatewayClassName: 'istio'}}, expected: true, resource: 'gateways'},
    {what: 'UPDATE of an ingress Gateway', operation: 'UPDATE', object: {metadata: {labels: {a: 'b'}}, spec: {gatewayClassName: 'istio'}}, oldObject: {metadata: {}, spec: {gatewayClassName: 'istio'}}, expected: false, resource: 'gateways'},
    {what: 'UPDATE of a waypoint', operation: 'UPDATE', object: {metadata: {labels: {'istio.io/waypoint-for': 'service'}}, spec: {gatewayClassName: 'istio-waypoint'}}, oldObject: {metadata: {labels: {'istio.io/waypoint-for': 'all'}}, spec: {gatewayClassName: 'istio-waypoint'}}, expected: true, resource: 'gateways'},
    {what: 'DELETE of a waypoint-controller class', operation: 'DELETE', object: null, oldObject: {metadata: {}, spec: {controllerName: 'istio.io/mesh-controller'}}, expected: true, resource: 'gatewayclasses'},
    {what: 'UPDATE of an agentgateway waypoint class', operation: 'UPDATE', object: {metadata: {annotations: {a: 'b'}}, spec: {controllerName: 'istio.io/agentgateway-waypoint-controller'}}, oldObject: {metadata: {}, spec: {controllerName: 'istio.io/agentgateway-waypoint-controller'}}, expected: true, resource: 'gatewayclasses'},
    {what: 'UPDATE removing a class waypoint-for', operation: 'UPDATE', object: {metadata: {}, spec: {controllerName: 'c'}}, oldObject: {metadata: {labels: {'istio.io/waypoint-for': 'all'}}, spec: {controllerName: 'c'}}, expected: true, resource: 'gatewayclasses'},
    {what: 'DELETE of another class', operation: 'DELETE', object: null, oldObject: {metadata: {}, spec: {controllerName: 'c'}}, expected: false, resource: 'gatewayclasses'},
    {what: 'DELETE of a waypoint by the namespace controller', operation: 'DELETE', username: 'system:serviceaccount:kube-system:namespace-controller', object: null, oldObject: {metadata: {}, spec: {gatewayClassName: 'istio-waypoint'}}, expected: false, resource: 'gateways'},
    {what: 'DELETE of a waypoint by kube-controller-manager without per-controller credentials', operation: 'DELETE', username: 'system:kube-controller-manager', object: null, oldObject: {metadata: {}, spec: {gatewayClassName: 'istio-waypoint'}}, expected: false, resource: 'gateways'},
    {what: 'DELETE of a waypoint by a person', operation: 'DELETE', username: 'kubernetes-admin', object: null, oldObject: {metadata: {}, spec: {gatewayClassName: 'istio-waypoint'}}, expected: true, resource: 'gateways'},
    {what: 'DELETE of a waypoint by the garbage collector', operation: 'DELETE', username: 'system:serviceaccount:kube-system:generic-garbage-collector', object: null, oldObject: {metadata: {}, spec: {gatewayClassName: 'istio-waypoint'}}, expected: false, resource: 'gateways'},
    {what: 'UPDATE of a waypoint by the garbage collector (removing an owner reference)', operation: 'UPDATE', username: 'system:serviceaccount:kube-system:generic-garbage-collector', object: {metadata: {}, spec: {gatewayClassName: 'istio-waypoint'}}, oldObject: {metadata: {}, spec: {gatewayClassName: 'istio-waypoint'}}, expected: true, resource: 'gateways'},
  ],
  'namespace-labels.waypoint.istio.io': [
    namespaceUpdate('labels added', {}, {labels: {team: 'x'}}, true),
    namespaceUpdate('labels removed', {labels: {team: 'x'}}, {}, true),
    namespaceUpdate('one label of several removed', {labels: {team: 'x', ...waypoint}}, {labels: waypoint}, true),
    namespaceUpdate('label value changed', {labels: {team: 'x'}}, {labels: {team: 'y'}}, true),
    namespaceUpdate('waypoint label removed', {labels: waypoint}, {labels: {}}, true),
    namespaceUpdate('labels unchanged, an annotation changed', {labels: {team: 'x'}, annotations: {a: 'b'}}, {labels: {team: 'x'}, annotations: {a: 'c'}}, false),
    namespaceUpdate('labels unchanged, an annotation added', {labels: waypoint}, {labels: waypoint, annotations: {owner: 'a'}}, false),
    namespaceUpdate('labels absent on both sides', {annotations: {a: 'b'}}, {}, false),
    namespaceUpdate('labels absent on both sides, nothing changed', {}, {}, false),
    namespaceUpdate('empty labels on one side, absent on the other (the same: no labels)', {labels: {}}, {}, false),
    namespaceUpdate('labels absent before, present after', {}, {labels: {'kubernetes.io/metadata.name': 'n'}}, true),
    namespaceUpdate('labels present before, absent after', {labels: {team: 'x'}}, {}, true),
    namespaceUpdate('canary weight annotation changed', {labels: canary, annotations: {'istio.io/use-waypoint-canary-weight': '10'}}, {labels: canary, annotations: {'istio.io/use-waypoint-canary-weight': '20'}}, true),
    namespaceUpdate('canary weight annotation added', {labels: waypoint}, {labels: waypoint, annotations: weight}, true),
    namespaceUpdate('canary weight annotation removed', {annotations: weight}, {}, true),
    namespaceUpdate('canary weight annotation kept, another changed', {annotations: {...weight, a: 'b'}}, {annotations: {...weight, a: 'c'}}, false),
    // CREATE is not in this webhook's rules (the four label webhooks judge it, as before); the
    // condition is false there too, not an error.
    {what: 'CREATE', operation: 'CREATE', object: {metadata: {labels: waypoint}}, oldObject: null, expected: false},
  ],
  'defaults.waypoint.istio.io': [
    [{metadata: {}, spec: {gatewayClassName: 'istio-waypoint'}}, true],
    [{metadata: {labels: {app: 'x'}}, spec: {gatewayClassName: 'istio-agentgateway-waypoint'}}, true],
    [{metadata: {labels: {'istio.io/waypoint-for': 'all'}}, spec: {gatewayClassName: 'istio-waypoint'}}, false],
    [{metadata: {}, spec: {gatewayClassName: 'istio'}}, false],
  ],
}

const conditions = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'))
let failures = 0
for (const {webhook, expr} of conditions) {
  if (!cases[webhook]) {
    console.log(`FAIL ${webhook}: no sample objects for this webhook's condition; add some to check.mjs`)
    failures++
    continue
  }

  for (const sample of cases[webhook]) {
    const {what, operation, object, oldObject, expected, resource, username} = Array.isArray(sample)
      ? {operation: 'CREATE', object: sample[0], oldObject: null, expected: sample[1], resource: sample[2]}
      : sample
    let got
    try {
      got = evaluate(expr, {object, oldObject, request: {operation, resource: {resource: resource ?? 'x'}, userInfo: {username: username ?? 'jane@example.com'}}})
    } catch (e) {
      got = `error: ${e.message}`
    }

    if (got !== expected) {
      failures++
      console.log(`FAIL ${webhook} ${what ?? operation} ${JSON.stringify({object, oldObject})}: expected ${expected}, got ${got}`)
    }
  }
}

console.log(failures === 0 ? `all ${conditions.length} conditions behave` : `${failures} failed`)
process.exit(failures === 0 ? 0 : 1)
