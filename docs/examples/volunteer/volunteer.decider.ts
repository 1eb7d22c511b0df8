import { Decider, DomainEvent, everyCommandCommutes, forbidden, invalid } from '@shecun/core';

/** One stream per organization: its volunteer service records (志愿服务记录). */
export const volunteerStream = (organizationId: string) => `volunteer-${organizationId}`;

export type VolunteerEvent = DomainEvent<'VolunteerServiceRecorded', { organizationId: string; volunteers: number; hours: number; activity: string; serviceDate: string }>;
export type VolunteerCommand = { type: 'RecordVolunteerService'; organizationId: string; volunteers: number; hours: number; activity: string; serviceDate: string };
export interface VolunteerState {
  records: number;
  hours: number;
}

/** Staff of the organization record its service; each record adds to the totals (it commutes). */
export const volunteerDecider: Decider<VolunteerCommand, VolunteerState, VolunteerEvent> = {
  initialState: { records: 0, hours: 0 },
  decide(command, _state, { actor }) {
    const own = (actor.role === 'organization' || actor.role === 'hub') && actor.organizationId === command.organizationId;
    if (!own) throw forbidden('只有本组织的工作人员可以登记志愿服务 (only the organization’s own staff record its volunteer service)');
    if (command.hours > command.volunteers * 24) throw invalid('服务时长超过人数 × 24 小时 (more hours than volunteers × 24)', { volunteers: command.volunteers, hours: command.hours });
    const { type: _type, ...data } = command;
    return [{ type: 'VolunteerServiceRecorded', data }];
  },
  evolve: (state, event) => ({ records: state.records + 1, hours: state.hours + event.data.hours }),
  commutes: everyCommandCommutes,
};
