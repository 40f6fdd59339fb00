// Evaluates every matchCondition of the rendered webhook configurations against sample objects.
// Usage: node check.mjs conditions.json   (a list of {webhook, expr}, written by DeployManifestTests)
// cel-js is not the API server's cel-go, but it parses the same language: a syntax error, an unknown
// macro or a condition that selects the wrong objects fails here before it fails an installation.
import {evaluate} from '@marcbachmann/cel-js'
import fs from 'fs'

const waypoint = {'istio.io/use-waypoint': 'w'}
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
    [{spec: {template: {metadata: {}}}}, false],
  ],
  'cronjob-templates.waypoint.istio.io': [
    [{spec: {jobTemplate: {spec: {template: {metadata: {labels: waypoint}}}}}}, true],
    [{spec: {jobTemplate: {spec: {template: {metadata: {}}}}}}, false],
  ],
  'service-entries.waypoint.istio.io': [
    [{metadata: {}, spec: {endpoints: [{address: '1.2.3.4', labels: waypoint}]}}, true],
    [{metadata: {labels: {'istio.io/ingress-use-waypoint': 'true'}}, spec: {}}, true],
    [{metadata: {labels: waypoint}, spec: {}}, true],
    [{metadata: {}, spec: {endpoints: [{address: '1.2.3.4'}]}}, false],
    [{metadata: {labels: {app: 'x'}}, spec: {}}, false],
  ],
  'workload-entries.waypoint.istio.io': [
    [{metadata: {}, spec: {labels: waypoint}}, true],
    [{metadata: {labels: waypoint}, spec: {}}, true],
    [{metadata: {labels: {a: 'b'}}, spec: {}}, false],
  ],
  'gateways.waypoint.istio.io': [
    [{metadata: {}, spec: {gatewayClassName: 'istio-waypoint'}}, true, 'gateways'],
    [{metadata: {}, spec: {gatewayClassName: 'istio'}}, false, 'gateways'],
    [{metadata: {labels: {'istio.io/waypoint-for': 'x'}}, spec: {gatewayClassName: 'istio'}}, true, 'gateways'],
    [{metadata: {labels: {'istio.io/waypoint-for': 'x'}}, spec: {controllerName: 'c'}}, true, 'gatewayclasses'],
    [{metadata: {}, spec: {controllerName: 'c'}}, false, 'gatewayclasses'],
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

  for (const [object, expected, resource] of cases[webhook]) {
    let got
    try {
      got = evaluate(expr, {object, request: {resource: {resource: resource ?? 'x'}}})
    } catch (e) {
      got = `error: ${e.message}`
    }

    if (got !== expected) {
      failures++
      console.log(`FAIL ${webhook} ${JSON.stringify(object)}: expected ${expected}, got ${got}`)
    }
  }
}

console.log(failures === 0 ? `all ${conditions.length} conditions behave` : `${failures} failed`)
process.exit(failures === 0 ? 0 : 1)
