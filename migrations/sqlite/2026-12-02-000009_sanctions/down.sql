DROP TABLE sanction_steps;
DROP TABLE sanction_procedures;
DROP TABLE non_compliances;
DROP TABLE course_offers;
