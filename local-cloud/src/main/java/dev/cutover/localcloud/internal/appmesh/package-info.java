/**
 * The local cloud's App Mesh emulator: meshes, virtual nodes, virtual routers, routes with weighted
 * targets and virtual services over AWS's REST-JSON protocol under {@code /v20190125/meshes}.
 * It also answers Java queries for route weights so the traffic simulation can split requests.
 */
package dev.cutover.localcloud.internal.appmesh;
