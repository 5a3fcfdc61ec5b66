/**
 * The freedesktop interfaces the layer serves itself, as shapes (names and
 * signatures). Their behaviour is in object-tree.ts; their introspection XML
 * is built once here.
 */
import { interfaceXml, type InterfaceShape } from './introspect.js';

export const PROPERTIES = 'org.freedesktop.DBus.Properties';
export const INTROSPECTABLE = 'org.freedesktop.DBus.Introspectable';
export const PEER = 'org.freedesktop.DBus.Peer';
export const OBJECT_MANAGER = 'org.freedesktop.DBus.ObjectManager';

export const STANDARD_SHAPES: Record<string, InterfaceShape> = {
  [PROPERTIES]: {
    name: PROPERTIES,
    methods: [
      { name: 'Get', in: [['interface_name', 's'], ['property_name', 's']], out: [['value', 'v']] },
      { name: 'GetAll', in: [['interface_name', 's']], out: [['properties', 'a{sv}']] },
      { name: 'Set', in: [['interface_name', 's'], ['property_name', 's'], ['value', 'v']], out: [] },
    ],
    signals: [
      {
        name: 'PropertiesChanged',
        args: [['interface_name', 's'], ['changed_properties', 'a{sv}'], ['invalidated_properties', 'as']],
      },
    ],
  },
  [INTROSPECTABLE]: {
    name: INTROSPECTABLE,
    methods: [{ name: 'Introspect', in: [], out: [['xml_data', 's']] }],
  },
  [PEER]: {
    name: PEER,
    methods: [
      { name: 'Ping', in: [], out: [] },
      { name: 'GetMachineId', in: [], out: [['machine_uuid', 's']] },
    ],
  },
  [OBJECT_MANAGER]: {
    name: OBJECT_MANAGER,
    methods: [{ name: 'GetManagedObjects', in: [], out: [['object_paths_interfaces_and_properties', 'a{oa{sa{sv}}}']] }],
    signals: [
      { name: 'InterfacesAdded', args: [['object_path', 'o'], ['interfaces_and_properties', 'a{sa{sv}}']] },
      { name: 'InterfacesRemoved', args: [['object_path', 'o'], ['interfaces', 'as']] },
    ],
  },
};

/** Interfaces every exported object has. */
export const OBJECT_XML = [PROPERTIES, INTROSPECTABLE, PEER].map((n) => interfaceXml(STANDARD_SHAPES[n]!)).join('');
/** Interfaces of a path that only leads to objects (walkable, nothing else). */
export const PASSAGE_XML = [INTROSPECTABLE, PEER].map((n) => interfaceXml(STANDARD_SHAPES[n]!)).join('');
export const OBJECT_MANAGER_XML = interfaceXml(STANDARD_SHAPES[OBJECT_MANAGER]!);
