// HTTP routes of the credit module, one list per sub-module (each declares who may call its routes).
import { arrearsRoutes } from './arrears/routes.ts';
import { fileRoutes } from './files/routes.ts';
import { loanRoutes } from './loans/routes.ts';
import { reportRoutes } from './reports/routes.ts';

export const creditRoutes = [...loanRoutes, ...fileRoutes, ...arrearsRoutes, ...reportRoutes];
